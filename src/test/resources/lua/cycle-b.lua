-- uses: cycle-a
return 2
